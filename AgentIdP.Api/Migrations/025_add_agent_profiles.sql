-- Agent profiles: what an A2A agent card and an OASF record say about an agent beyond its name and description.
-- Validated by the API on write (Agents/AgentProfileValidation.cs); OASF pairs are stored as resolved {id, name}
-- from the pinned OASF 1.0.0 taxonomy.
ALTER TABLE agents
    ADD COLUMN version              text NULL CHECK (length(version) BETWEEN 1 AND 64),
    -- {"organization": …, "url": …} or NULL
    ADD COLUMN provider             jsonb NULL,
    -- [{"url": …, "protocolBinding": …}]; the protocol version is the pinned A2A 1.0
    ADD COLUMN interfaces           jsonb NOT NULL DEFAULT '[]'::jsonb,
    -- A2A card skills: [{"id", "name", "description", "tags": [], "examples": []}]
    ADD COLUMN skills               jsonb NOT NULL DEFAULT '[]'::jsonb,
    -- OASF 1.0.0 taxonomy classes: [{"id": 502, "name": "analytical_skills/coding_skills"}]
    ADD COLUMN oasf_skills          jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN oasf_domains         jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN default_input_modes  text[] NOT NULL DEFAULT ARRAY['text/plain'],
    ADD COLUMN default_output_modes text[] NOT NULL DEFAULT ARRAY['text/plain'],
    -- {"streaming": bool, "pushNotifications": bool}
    ADD COLUMN capabilities         jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN documentation_url    text NULL;
