-- The playbook-editor permission (docs/security.md): who may change and publish playbook
-- definitions and the health model besides admins, who always may.
alter table people add column playbook_editor boolean not null default false;
