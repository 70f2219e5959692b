-- The people at a customer: name, address, role, and at most one primary contact, to whom the
-- customer's emails go (the customer's own address when there is none).
create table customer_contacts (
    id          bigserial primary key,
    customer_id text        not null references customers (id),
    name        text        not null,
    email       text        not null,
    role        text,
    is_primary  boolean     not null default false,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create unique index customer_contacts_primary_idx on customer_contacts (customer_id)
    where is_primary;
create unique index customer_contacts_email_idx on customer_contacts (customer_id, lower(email));

-- The commercial facts a CS team plans by: when the contract renews and what it is worth a year.
alter table customers add column renewal_date date;
alter table customers add column arr numeric(14, 2) check (arr >= 0);
create index customers_renewal_idx on customers (renewal_date) where renewal_date is not null;
