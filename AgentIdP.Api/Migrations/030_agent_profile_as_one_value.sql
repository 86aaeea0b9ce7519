-- An agent's card and record profile becomes one value: Compliance owns its fields and checks them
-- (Compliance/AgentProfile.cs), Identity stores the object without looking inside. A new card field is then no
-- migration at all. Keys are the API's camelCase names; absent values are left out, as the API has always shown them.
ALTER TABLE agents ADD COLUMN profile jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(profile) = 'object');

UPDATE agents SET profile = jsonb_strip_nulls(jsonb_build_object(
    'version', version,
    'provider', provider,
    'interfaces', interfaces,
    'skills', skills,
    'oasfSkills', oasf_skills,
    'oasfDomains', oasf_domains,
    'defaultInputModes', to_jsonb(default_input_modes),
    'defaultOutputModes', to_jsonb(default_output_modes),
    'capabilities', capabilities,
    'documentationUrl', documentation_url));

ALTER TABLE agents
    DROP COLUMN version,
    DROP COLUMN provider,
    DROP COLUMN interfaces,
    DROP COLUMN skills,
    DROP COLUMN oasf_skills,
    DROP COLUMN oasf_domains,
    DROP COLUMN default_input_modes,
    DROP COLUMN default_output_modes,
    DROP COLUMN capabilities,
    DROP COLUMN documentation_url;
