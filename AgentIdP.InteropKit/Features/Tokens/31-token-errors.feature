@platform
Feature: Token endpoint errors
  The token endpoint answers bad requests the way RFC 6749 §5.2 says, so that clients can tell what went wrong.

  @req:PLT-ERR-001 @MUST
  Scenario Outline: A client that fails to authenticate gets invalid_client (<case>)
    When the kit requests a token <credentials>
    Then the token endpoint answers 401 with error invalid_client
    And the answer carries a WWW-Authenticate header

    Examples:
      | case           | credentials                             |
      | wrong secret   | with a wrong secret for its client id   |
      | unknown client | for a client id the IdP does not know   |

  @req:PLT-ERR-002 @MUST
  Scenario: An unsupported grant type gets unsupported_grant_type
    When the kit requests a token with grant_type "urn:agentidp:interop-kit:unsupported"
    Then the token endpoint answers 400 with error unsupported_grant_type

  @req:PLT-ERR-003 @MUST
  Scenario: A scope the client was not granted gets invalid_scope
    When the kit requests a token with scope "interop-kit:not-granted"
    Then the token endpoint answers 400 with error invalid_scope

  @req:PLT-ERR-004 @MUST
  Scenario: A request without grant_type gets invalid_request
    When the kit requests a token without a grant_type
    Then the token endpoint answers 400 with error invalid_request
