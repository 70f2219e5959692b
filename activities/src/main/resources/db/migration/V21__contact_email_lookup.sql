-- An inbound reply is matched to customers by its sender's address, their own or any of their
-- contacts' (a customer's emails go to its primary contact): look contacts up by address.
create index customer_contacts_address_idx on customer_contacts (lower(email));
