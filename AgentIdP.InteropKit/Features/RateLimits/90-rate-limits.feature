@ratelimits
Feature: Rate limits
  A client that sends too much is told how long to wait (Retry-After, RFC 9110) and, with the IETF RateLimit
  headers, what its quota is. These are recommendations, checked when the target rate-limits the kit's client.

  @req:PLT-RATE-001 @SHOULD
  Scenario: RateLimit headers are well formed
    Given the tenant API announces its rate limit with a RateLimit-Policy header
    Then the RateLimit-Policy header names a quota
    And the RateLimit header names the remaining quota

  @req:PLT-RATE-002 @SHOULD @burst
  Scenario: A limited client gets 429 with Retry-After
    When the kit sends requests to the tenant API until one is limited
    Then the limited answer is 429 with a Retry-After delay
    And the limited answer carries RateLimit headers if the target announces them
