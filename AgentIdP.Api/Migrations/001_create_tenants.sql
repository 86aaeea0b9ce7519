-- Tenants: the organisations that register agents. Every tenant-scoped row points here.
CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    plan        text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'enterprise')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
