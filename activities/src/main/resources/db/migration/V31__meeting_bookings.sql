-- A meeting booked in a scheduling tool (Calendly's invitee.created) is matched to a customer by
-- the invitee's address, else by its domain: look customers and contacts up by their address's
-- domain.
create index customers_email_domain_idx on customers (lower(split_part(email, '@', -1)));
create index customer_contacts_email_domain_idx
    on customer_contacts (lower(split_part(email, '@', -1)));

-- The bookings handled, by the tool's own key for the delivery (Calendly: the invitee's URI), so a
-- delivery the tool retries adds no second timeline entry. No personal data: no address, no name.
create table meeting_bookings (
    source       text        not null,
    delivery_key text        not null,
    customer_id  text        not null references customers (id),
    received_at  timestamptz not null default now(),
    primary key (source, delivery_key)
);
