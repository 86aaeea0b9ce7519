using AgentIdP.Api.Platform;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Compliance;

namespace AgentIdP.Api.Demo;

/// <summary>
/// The demo tenant's agents with full profiles (interfaces, card skills, OASF 1.0.0 skills and domains) and a
/// registered public key each, so their cards and records are valid and the demo tenant's compliance report passes.
/// </summary>
public static class DemoAgents
{
    private const string Base = "https://demo.sentryagent.ai/agents";
    private static readonly AgentProvider Provider = new("SentryAgent Demo Co.", "https://demo.sentryagent.ai");

    public static readonly CreateAgentRequest[] All =
    [
        Agent("Invoice Agent", "Reads invoices and extracts their fields.", ["a2a:invoke", "invoices:read"], "1.4.0",
            [new($"{Base}/invoice/a2a", "JSONRPC"), new($"{Base}/invoice/a2a/rest", "HTTP+JSON")],
            [new("extract-invoice-fields", "Extract invoice fields",
                "Reads an invoice (PDF or image) and returns the vendor, dates, line items and totals as JSON.",
                ["invoices", "extraction", "finance"], ["Extract the totals and due date from this invoice."])],
            oasfSkills: [10301, 70101], oasfDomains: [202, 201], inputs: ["application/pdf", "image/png", "text/plain"], outputs: ["application/json"]),
        Agent("Support Triage Agent", "Sorts incoming support tickets by urgency and topic.", ["a2a:invoke", "tickets:write"], "2.1.0",
            [new($"{Base}/triage/a2a", "JSONRPC")],
            [new("triage-ticket", "Triage a ticket", "Labels a support ticket with its topic, urgency and customer sentiment.",
                ["support", "classification"], ["My invoice was charged twice and I need it fixed today."])],
            oasfSkills: [109, 10902], oasfDomains: [2001], inputs: ["text/plain"], outputs: ["application/json"]),
        Agent("Code Review Agent", "Reviews pull requests for bugs and style.", ["a2a:invoke", "repos:read"], "0.9.2",
            [new($"{Base}/code-review/a2a", "JSONRPC"), new($"{Base}/code-review/grpc", "GRPC")],
            [new("review-diff", "Review a diff", "Reads a unified diff and comments on bugs, risky changes and style.",
                ["code", "review", "security"])],
            oasfSkills: [502, 802], oasfDomains: [102, 10203], inputs: ["text/x-diff", "text/plain"], outputs: ["text/markdown"]),
        Agent("Compliance Auditor", "Summarises audit trails and flags policy gaps.", ["a2a:invoke", "audit:read"], "1.0.0",
            [new($"{Base}/compliance-auditor/a2a", "JSONRPC")],
            [new("summarize-audit-trail", "Summarise an audit trail", "Summarises a period of audit events and flags gaps against a policy.",
                ["audit", "compliance"], ["Summarise last week's credential rotations."])],
            oasfSkills: [1302, 1303], oasfDomains: [1003, 107], inputs: ["application/json"], outputs: ["text/markdown", "application/json"]),
        Agent("Threat Watch Agent", "Detects anomalies and leaked secrets in logs.", ["a2a:invoke", "logs:read"], "3.2.0",
            [new($"{Base}/threat-watch/a2a", "JSONRPC")],
            [new("scan-logs", "Scan logs", "Scans application logs for anomalies, attacks and leaked credentials.",
                ["security", "logs", "secrets"])],
            oasfSkills: [801, 803, 1104], oasfDomains: [10701, 107], inputs: ["text/plain"], outputs: ["application/json"], streaming: true),
    ];

    private static CreateAgentRequest Agent(string name, string description, string[] scopes, string version, AgentInterface[] interfaces,
        AgentSkill[] skills, int[] oasfSkills, int[] oasfDomains, string[] inputs, string[] outputs, bool streaming = false) =>
        new(name, description, scopes, PublicKeySet())
        {
            Profile = new AgentProfile
            {
                Version = version, Provider = Provider, Interfaces = interfaces, Skills = skills,
                OasfSkills = [.. oasfSkills.Select(id => new OasfClassRef(id, null))],
                OasfDomains = [.. oasfDomains.Select(id => new OasfClassRef(id, null))],
                DefaultInputModes = inputs, DefaultOutputModes = outputs, Capabilities = new AgentCapabilities(streaming, false),
                DocumentationUrl = "https://demo.sentryagent.ai/docs/agents",
            }.ToFields(),
        };

    /// <summary>A JWK Set with one fresh P-256 public key; the demo has no use for the private half.</summary>
    public static JsonObject PublicKeySet()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.Encode(p.Q.X), ["y"] = Base64Url.Encode(p.Q.Y),
                ["kid"] = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), ["use"] = "sig", ["alg"] = "ES256",
            }),
        };
    }

    /// <summary>The profile half of a demo agent, to complete demo agents seeded before profiles existed.</summary>
    public static UpdateAgentRequest ProfileOf(CreateAgentRequest a) => new(null, null, null, a.Jwks) { Profile = a.Profile };
}
