-- Customer search by any part of the name, id or email domain (the console's search box and
-- GET /api/customers?q=): trigram indexes answer ILIKE '%…%' without reading every customer.
create extension if not exists pg_trgm;
create index customers_name_trgm_idx on customers using gin (lower(name) gin_trgm_ops);
create index customers_id_trgm_idx on customers using gin (lower(id) gin_trgm_ops);
create index customers_domain_trgm_idx on customers
    using gin (lower(split_part(email, '@', 2)) gin_trgm_ops);
