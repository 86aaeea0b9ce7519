@compliance
Feature: Compliance report
  AgentIdP reports its own view of the profile checks for the tenant: as JSON, and as a JWS anyone can verify
  offline against the JWKS.

  Background:
    Given the tenant's compliance report

  @req:PLT-REPORT-001 @MUST
  Scenario: The report names the pinned spec versions and a result level
    Then the report's specVersions are a2a "1.0", oasf "1.0.0" and agntcyIdentity "v1alpha1"
    And the report has a summary and a result level the profile defines
    And every agent in the report lists checks with profile check ids and a status

  @req:PLT-REPORT-002 @MUST
  Scenario: The signed report verifies against the JWKS
    When the kit reads the signed report
    Then the signed report is a compact JWS that verifies against the JWKS
    And the signed report's payload has the same specVersions as the report

  @req:AGT-AUD-001 @MUST
  Scenario: The tenant's audit chain verifies
    Then the report says the tenant's audit chain verifies

  @req:PLT-REPORT-003 @SHOULD
  Scenario: The report can be revalidated with its ETag
    Then the report answer has an ETag
    And asking for the report again with If-None-Match answers 304 Not Modified
