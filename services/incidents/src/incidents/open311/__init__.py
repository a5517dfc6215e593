"""Open311 GeoReport v2 (市民诉求开放接口): civic-reporting clients report and follow incidents."""
