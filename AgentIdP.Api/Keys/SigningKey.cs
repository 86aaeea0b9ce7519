using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentIdP.Api.Keys;

/// <summary>An ES256 (P-256) signing key. The JWS header for it is computed once.</summary>
public sealed class SigningKey(string kid, ECDsa key, DateTimeOffset? retiredAt, DateTimeOffset? publishUntil)
{
    public const string Algorithm = "ES256";

    public string Kid { get; } = kid;
    public ECDsa Key { get; } = key;
    public DateTimeOffset? RetiredAt { get; } = retiredAt;
    public DateTimeOffset? PublishUntil { get; } = publishUntil;

    /// <summary>base64url of <c>{"alg":"ES256","kid":…,"typ":…}</c>, ready to prefix a token.</summary>
    public string EncodedHeader(string typ) => typ == AccessTokenType ? _accessTokenHeader.Value : EncodeHeader(Kid, typ);

    public const string AccessTokenType = "at+jwt";

    private readonly Lazy<string> _accessTokenHeader = new(() => EncodeHeader(kid, AccessTokenType));

    private static string EncodeHeader(string kid, string typ) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { ["alg"] = Algorithm, ["kid"] = kid, ["typ"] = typ }.ToJsonString()));

    /// <summary>The public JWK: kty, crv, x, y, kid, use, alg; never <c>d</c>.</summary>
    public JsonObject PublicJwk()
    {
        var p = Key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(p.Q.X), ["y"] = Base64Url.EncodeToString(p.Q.Y),
            ["kid"] = Kid, ["use"] = "sig", ["alg"] = Algorithm,
        };
    }

    /// <summary>A JWS compact serialization: <c>header.payload.signature</c> (ECDSA P-256, IEEE P1363 signature).</summary>
    public string Sign(string encodedHeader, ReadOnlySpan<byte> payloadJson)
    {
        var payload = Base64Url.EncodeToString(payloadJson);
        var signingInput = Encoding.ASCII.GetBytes($"{encodedHeader}.{payload}");
        Span<byte> signature = stackalloc byte[64];
        Key.SignData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{encodedHeader}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>A detached JWS (RFC 7515 appendix F): <c>header..signature</c> over the given payload.</summary>
    public (string Protected, string Signature) SignDetached(string encodedHeader, ReadOnlySpan<byte> payload)
    {
        var jws = Sign(encodedHeader, payload);
        return (encodedHeader, jws[(jws.LastIndexOf('.') + 1)..]);
    }
}
