using AgentIdP.Api.Platform;
using AgentIdP.Api.Auth;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentIdP.Api.OAuth;

namespace AgentIdP.Api.Agents;

/// <summary>An agent as the API shows it: identity, credentials summary and the profile its A2A card and OASF record are built from.</summary>
public sealed record Agent(
    Guid Id, Guid TenantId, string ClientId, string Name, string Description, AgentStatus Status, string[] Scopes,
    string Did, string DidDocumentUrl, int PublicKeyCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The profile as stored (<see cref="IAgentProfileValidator"/> made it), shown flat beside the fields above, as
    /// requests send it. Identity never looks inside; read it, never change it.
    /// </summary>
    // Not a JsonObject: .NET 10 writes a JsonObject extension data member as a nested object without a name (broken JSON).
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Profile { get; init; } = new();
}

/// <summary>Registers an agent; every profile field is optional (an agent without interfaces has no A2A card yet).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record CreateAgentRequest(string? Name, string? Description, string[]? Scopes, JsonObject? Jwks)
{
    // Every other body field is the profile's: it lands here (hence Skip above, not the API's Disallow), and
    // IAgentProfileValidator refuses any that is not a profile field, so a misspelt field is still a 400.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Profile { get; init; }
}

/// <summary>Changes an agent: each field that is present replaces the stored value; absent fields stay as they are.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record UpdateAgentRequest(string? Name, string? Description, string[]? Scopes, JsonObject? Jwks)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Profile { get; init; }

    public bool IsEmpty => Name is null && Description is null && Scopes is null && Jwks is null
        && (Profile is null || Profile.Values.All(v => v.ValueKind is JsonValueKind.Null));
}

public sealed record CreatedAgent(Agent Agent, string ClientSecret);

/// <param name="GracePeriodSeconds">How long the old secret keeps working (default: the configured grace period).</param>
/// <param name="RevokeTokens">
/// End every token issued to the client so far, on every replica within seconds, and the old secret at once. For a
/// leaked secret. Without it, tokens issued before the rotation end when the grace period does.
/// </param>
public sealed record RotateSecretRequest(int? GracePeriodSeconds, bool? RevokeTokens = null)
{
    /// <summary>The rotation asked for, or the reason it cannot be done.</summary>
    public static (SecretRotation? Rotation, string? Error) Resolve(RotateSecretRequest? request, IdentityOptions options)
    {
        if (request?.RevokeTokens is true)
        {
            return request.GracePeriodSeconds is null or 0
                ? (new SecretRotation(TimeSpan.Zero, RevokeTokens: true), null)
                : (null, "revokeTokens ends the old secret at once, so gracePeriodSeconds must be 0 or left out (a grace period would let the old secret mint new tokens).");
        }
        return options.SecretGrace(request?.GracePeriodSeconds) is { } grace
            ? (new SecretRotation(grace, RevokeTokens: false), null)
            : (null, $"gracePeriodSeconds must be {IdentityOptions.SecretGraceRange}.");
    }
}

/// <summary>How a client's secret is replaced: how long the old one lasts, and whether the client's tokens end now.</summary>
public sealed record SecretRotation(TimeSpan Grace, bool RevokeTokens);

/// <param name="TokensRevoked">True when every token issued to the client before the rotation was ended with it.</param>
public sealed record RotatedSecret(string ClientId, string ClientSecret, DateTimeOffset? PreviousSecretExpiresAt, bool TokensRevoked = false);

/// <summary>Checks on what tenants send about agents; each failure says which field and why.</summary>
public static class AgentValidation
{
    public const int MaxScopes = 20;
    public const int MaxKeys = 5;
    /// <summary>JWK members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).</summary>
    public static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

    public static string? Name(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "name is required."
        : name.Length > 200 ? "name must be at most 200 characters."
        : name.Any(char.IsControl) ? "name must not contain control characters."
        : null;

    public static string? Description(string? description) =>
        description is { Length: > 2000 } ? "description must be at most 2000 characters." : null;

    public static string? ScopeList(string[]? scopes)
    {
        if (scopes is null) return null;
        if (scopes.Length > MaxScopes) return $"at most {MaxScopes} scopes.";
        foreach (var scope in scopes)
        {
            if (scope is null || !Scopes.Valid().IsMatch(scope)) return "each scope must be 1-64 characters of letters, digits and : . _ / -.";
            if (Scopes.IsReserved(scope)) return $"the scope '{scope}' is reserved for AgentIdP's own clients.";
        }
        return null;
    }

    /// <summary>A public JWK Set for private_key_jwt: at most five keys, each with a kid, none with private members.</summary>
    public static string? Jwks(JsonObject? jwks)
    {
        if (jwks is null) return null;
        if (jwks["keys"] is not JsonArray keys || keys.Count is 0 or > MaxKeys) return $"jwks must be {{\"keys\": [...]}} with 1 to {MaxKeys} keys.";
        foreach (var node in keys)
        {
            if (node is not JsonObject key) return "each entry of jwks.keys must be a JWK object.";
            if (PrivateMembers.Any(key.ContainsKey)) return "jwks must hold public keys only (no d, p, q, dp, dq, qi, k).";
            if (key["kid"] is not JsonValue kid || kid.GetValueKind() != JsonValueKind.String || kid.GetValue<string>().Length is 0 or > 128)
            {
                return "each key needs a kid (1-128 characters).";
            }
            var kty = (key["kty"] as JsonValue)?.GetValueKind() == JsonValueKind.String ? key["kty"]!.GetValue<string>() : null;
            if (kty is not ("EC" or "RSA" or "OKP")) return "each key's kty must be EC, RSA or OKP.";
            try
            {
                _ = new Microsoft.IdentityModel.Tokens.JsonWebKey(key.ToJsonString());
            }
            catch (ArgumentException)
            {
                return "a key in jwks is not a valid JWK.";
            }
        }
        return null;
    }
}
