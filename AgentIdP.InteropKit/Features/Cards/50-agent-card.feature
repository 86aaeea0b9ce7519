@cards
Feature: Agent cards
  Each agent has an A2A AgentCard 1.0 at a public well-known URL. A2A clients read it to learn where the agent
  listens and how to get a token for it from this IdP. With --agent-card-url the kit checks that one card instead
  of the cards of the tenant's agents.

  Background:
    Given the agent cards to check

  @req:AGT-CARD-001 @MUST
  Scenario: Cards are served and have every required A2A 1.0 field
    Then every card answers 200 with a JSON object
    And every card validates against the A2A 1.0 card schema

  @req:AGT-CARD-002 @MUST
  Scenario: Card interfaces are A2A 1.0 interfaces at absolute HTTPS URLs
    Then every card interface has a url, a protocolBinding and protocolVersion "1.0"
    And every card interface URL is absolute HTTPS, or HTTP on a loopback host

  @req:AGT-CARD-003 @SHOULD
  Scenario: Cards tell clients to get their tokens from this IdP
    Then every card has an OAuth 2.0 client credentials scheme with this IdP's token endpoint
    And every card's oauth2MetadataUrl resolves to this IdP's metadata
    And every card's security requirements name schemes the card defines

  @req:AGT-CARD-004 @MUST
  Scenario: Card signatures verify against the JWKS
    Given the cards carry signatures
    Then every signature verifies against the JWKS over the JCS form of its card without signatures

  @req:PLT-CARD-001 @SHOULD
  Scenario: Card signature headers say typ JOSE
    Given the cards carry signatures
    Then every signature's protected header has typ "JOSE"

  @req:PLT-CARD-002 @MAY
  Scenario: A signature's jku points at this IdP's JWKS
    Given the card signatures carry a jku
    Then every jku is the jwks_uri of the discovery metadata

  @req:AGT-CARD-005 @SHOULD
  Scenario: Cards can be cached and revalidated
    Then every card answer has Cache-Control max-age and an ETag
    And asking for every card again with If-None-Match answers 304 Not Modified
