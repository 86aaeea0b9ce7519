@platform
Feature: Discovery metadata
  OAuth 2.0 clients and AGNTCY Identity nodes find the IdP through its metadata: OpenID Connect Discovery and
  RFC 8414 authorization server metadata. Both describe the same issuer and the same endpoints.

  @req:PLT-DISC-001 @MUST
  Scenario: The OpenID configuration describes this issuer
    When the kit reads the OpenID configuration
    Then the answer is a JSON object
    And its issuer is the base URL
    And it names absolute endpoint URLs for token_endpoint and jwks_uri

  @req:PLT-DISC-002 @MUST
  Scenario: The RFC 8414 metadata agrees with the OpenID configuration
    When the kit reads the RFC 8414 authorization server metadata
    Then the answer is a JSON object
    And its issuer is the base URL
    And it agrees with the OpenID configuration on issuer, token_endpoint, jwks_uri, introspection_endpoint and revocation_endpoint

  @req:PLT-DISC-003 @MUST
  Scenario: The metadata declares the client credentials grant and client_secret_basic
    When the kit reads the OpenID configuration
    Then grant_types_supported lists client_credentials
    And clients may authenticate with client_secret_basic
