@platform
Feature: Signing keys
  Everything the IdP signs (access tokens, agent card signatures, signed compliance reports) is verified with the
  public keys it publishes at the jwks_uri of its metadata.

  @req:PLT-JWKS-001 @MUST
  Scenario: The JWKS is a well-formed set of public signing keys
    When the kit reads the JWKS the metadata names
    Then the answer is a JSON object
    And the JWKS holds at least one key
    And every key has a kty and a kid no other key has
    And every key is a complete public key usable to verify signatures

  @req:AGT-KEY-001 @MUST
  Scenario: Published keys hold no private key material
    When the kit reads the JWKS the metadata names
    Then no published key holds private members
