@agents
Feature: Agent identity
  Every agent has a stable identity: an OAuth 2.0 client id, and a did:web DID whose document publishes the
  agent's public keys. The kit reads the agents of the tenant its credentials belong to.

  Background:
    Given the tenant's agents

  @req:AGT-ID-001 @MUST
  Scenario: Each agent has a unique client id and DID
    Then every agent has an id, a client id and a DID
    And no two agents share an id, a client id or a DID

  @req:AGT-ID-002 @SHOULD
  Scenario: Each agent's DID resolves to a document with its public keys
    When the kit resolves each agent's DID document
    Then every DID document is served where its did:web DID says
    And every DID document names its DID as id
    And every DID document has a publicKeyJwk verification method that assertionMethod references
    And no DID document publishes private key members
