"""Lists and exports of incidents (警情列表与导出): filters, keyset pages, CSV, XLSX, GeoJSON."""
