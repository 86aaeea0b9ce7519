@platform
Feature: Client credentials tokens
  An agent proves who it is with an access token from the token endpoint (RFC 6749 §4.4). Tokens are JWTs that
  anyone can verify offline against the JWKS; AGNTCY Identity nodes take the subject from sub or client_id.

  @req:PLT-TOKEN-001 @MUST
  Scenario: A client gets an access token with client_secret_basic
    When the kit requests a token with client_secret_basic
    Then the token answer is 200 with a Bearer access token and a positive expires_in
    And the token answer forbids caching

  @req:PLT-TOKEN-003 @MUST
  Scenario: A client gets an access token with client_secret_post when the IdP declares it
    Given the metadata declares the token endpoint auth method client_secret_post
    When the kit requests a token with client_secret_post
    Then the token answer is 200 with a Bearer access token and a positive expires_in

  @req:AGT-KEY-001 @MUST
  Scenario: The key that signs access tokens is published
    When the kit requests a token with client_secret_basic
    Then the access token names a kid the JWKS publishes

  @req:PLT-TOKEN-002 @MUST
  Scenario: Access tokens verify against the JWKS and carry the standard claims
    When the kit requests a token with client_secret_basic
    Then the access token's signature verifies against the JWKS
    And the access token carries iss, sub, aud, exp, iat, jti, scope and client_id
    And the access token's iss is the issuer and its sub and client_id are the kit's client id

  @req:AGT-CRED-001 @MUST
  Scenario: Access tokens expire
    When the kit requests a token with client_secret_basic
    Then the access token's exp is in the future and agrees with expires_in
