"""Bulk import of incidents from CSV or XLSX (back-filling police-station records, 历史警情导入)."""
