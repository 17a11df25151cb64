-- Fixes 0001's policy on tenants."user": inside the subquery an unqualified
-- `id` bound to membership.id, so a tenant transaction saw only the acting
-- user instead of the members of the tenants in its scope (as 0001 intends).
drop policy tenant_isolation on tenants."user";
create policy tenant_isolation on tenants."user"
  using (id = app.actor() or exists (
    select 1 from tenants.membership m where m.user_id = "user".id and m.tenant_id = any (app.scope())))
  with check (id = app.actor() or exists (
    select 1 from tenants.membership m where m.user_id = "user".id and m.tenant_id = any (app.scope())));
