@records
Feature: OASF records
  AGNTCY directories describe agents with OASF records. The IdP exports one per agent, pinned to OASF 1.0.0:
  snake_case, closed, with skills, domains and modules from the 1.0.0 taxonomy.

  Background:
    Given the OASF records of the tenant's agents

  @req:AGT-REC-001 @MUST
  Scenario: Records validate against OASF 1.0.0 with taxonomy-consistent skills
    Then every record validates against the OASF 1.0.0 record schema
    And every record's skills are OASF 1.0.0 taxonomy entries whose id and name belong together

  @req:AGT-REC-002 @SHOULD
  Scenario: Records carry the recommended fields and no deprecated module
    Then every record has domains and modules
    And every record's domains and modules are OASF 1.0.0 entries whose id and name belong together
    And no record uses a deprecated module

  @req:AGT-REC-003 @SHOULD
  Scenario: A record's A2A module embeds the agent's card
    Then every record has an integration/a2a module with card_schema_version "v1.0.0"
    And every record's embedded card is the card the agent serves
