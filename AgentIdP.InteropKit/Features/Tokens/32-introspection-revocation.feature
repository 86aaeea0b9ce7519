@platform
Feature: Introspection and revocation
  Resource servers ask the IdP whether a token is still good (RFC 7662); clients withdraw tokens they no longer
  need (RFC 7009). Both endpoints are optional in OAuth 2.0, so these scenarios run when the metadata declares them.

  @req:PLT-INTRO-001 @MUST
  Scenario: A fresh token introspects as active
    Given the metadata declares an introspection_endpoint
    And the kit holds a fresh access token
    When the kit introspects the token
    Then the introspection says active, with the token's client_id and exp

  @req:PLT-INTRO-002 @MUST
  Scenario: A token the IdP never issued introspects as inactive
    Given the metadata declares an introspection_endpoint
    When the kit introspects a token the IdP never issued
    Then the introspection says inactive

  @req:PLT-INTRO-003 @MUST
  Scenario: Introspection requires client authentication
    Given the metadata declares an introspection_endpoint
    And the kit holds a fresh access token
    When the kit introspects the token without authenticating
    Then the introspection endpoint refuses the request

  @req:PLT-REVOKE-001 @MUST
  Scenario: A revoked token introspects as inactive
    Given the metadata declares a revocation_endpoint
    And the metadata declares an introspection_endpoint
    And the kit holds a fresh access token
    When the kit revokes the token
    Then the revocation answers 200
    And introspecting the token says inactive

  @req:PLT-REVOKE-002 @MUST
  Scenario: Revoking a token the IdP never issued still answers 200
    Given the metadata declares a revocation_endpoint
    When the kit revokes a token the IdP never issued
    Then the revocation answers 200

  @req:PLT-REVOKE-003 @MUST
  Scenario: A revoked token no longer opens the tenant API
    Given the metadata declares a revocation_endpoint
    And the kit holds a fresh access token
    And the token opens the tenant API
    When the kit revokes the token
    Then the tenant API refuses the token with 401
