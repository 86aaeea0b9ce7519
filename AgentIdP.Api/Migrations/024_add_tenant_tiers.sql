-- API tiers: the tenant's tier (free/pro/enterprise, formerly "plan"), its Stripe billing ids, and when the tier
-- last changed. Limits per tier live in code (TierConfig), not here.
ALTER TABLE tenants RENAME COLUMN plan TO tier;
ALTER TABLE tenants RENAME CONSTRAINT tenants_plan_check TO tenants_tier_check;
ALTER TABLE tenants
    ADD COLUMN stripe_customer_id     text NULL,
    ADD COLUMN stripe_subscription_id text NULL,
    ADD COLUMN tier_changed_at        timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX tenants_stripe_customer ON tenants (stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;

-- Stripe webhook events already applied: a redelivered event is acknowledged and ignored.
CREATE TABLE stripe_events (
    event_id     text PRIMARY KEY,
    type         text NOT NULL,
    tenant_id    uuid NULL REFERENCES tenants (id) ON DELETE SET NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);
