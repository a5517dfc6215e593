-- One database per service (每个服务一个数据库); no service reads another's tables.
-- The postgres image runs this once, when its data volume is empty, as POSTGRES_USER, who owns
-- the databases; each service then creates its tables with `python -m <service> migrate`.
CREATE DATABASE pingan_incidents;
CREATE DATABASE pingan_assessment;
CREATE DATABASE pingan_notify;
