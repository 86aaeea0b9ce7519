using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Target;

/// <summary>JWS (RFC 7515) parsing and verification against a JWKS: compact tokens, and detached signatures over a payload.</summary>
public static class Jws
{
    public sealed record Compact(JsonObject Header, string EncodedHeader, string EncodedPayload, byte[] Payload, byte[] Signature)
    {
        public string SigningInput => EncodedHeader + "." + EncodedPayload;
    }

    /// <param name="what">Names the thing in failure messages ("the access token").</param>
    public static Compact ParseCompact(string text, string what)
    {
        var parts = text.Split('.');
        Check.That(parts.Length == 3, $"{what} is not a compact JWS (three base64url parts separated by dots)");
        var header = DecodeJson(parts[0], $"{what}'s protected header");
        return new Compact(header, parts[0], parts[1], Decode(parts[1], $"{what}'s payload"), Decode(parts[2], $"{what}'s signature"));
    }

    public static JsonObject DecodeJson(string encoded, string what)
    {
        try
        {
            return JsonNode.Parse(Decode(encoded, what)) as JsonObject ?? throw Check.Fail($"{what} is not a JSON object");
        }
        catch (System.Text.Json.JsonException)
        {
            throw Check.Fail($"{what} is not JSON");
        }
    }

    public static byte[] Decode(string encoded, string what)
    {
        try
        {
            return Base64Url.DecodeFromChars(encoded);
        }
        catch (FormatException)
        {
            throw Check.Fail($"{what} is not base64url");
        }
    }

    public static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Checks the header names an asymmetric alg and a kid that the JWKS publishes, and the signature verifies with that key.</summary>
    public static void Verify(JsonObject header, string signingInput, byte[] signature, JwkSet jwks, string what)
    {
        var alg = header.Str("alg");
        Check.That(alg is not null, $"{what} names no alg");
        Check.That(alg is not ("none" or "HS256" or "HS384" or "HS512"), $"{what} uses alg {alg}; only asymmetric signatures can be checked by others");
        var kid = header.Str("kid");
        Check.That(kid is not null, $"{what} names no kid, so a verifier cannot pick the key");
        var key = jwks.Find(kid!) ?? throw Check.Fail($"{what} is signed with kid \"{kid}\", which the JWKS does not publish ({jwks.Describe()})");
        Check.That(key.Str("alg") is null || key.Str("alg") == alg, $"{what} uses alg {alg} but its key \"{kid}\" is published for {key.Str("alg")}");
        Check.That(SignatureHolds(alg!, key, Encoding.ASCII.GetBytes(signingInput), signature),
            $"{what}'s signature does not verify with the published key \"{kid}\"");
    }

    private static bool SignatureHolds(string alg, JsonObject jwk, byte[] data, byte[] signature)
    {
        var hash = alg[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            "512" => HashAlgorithmName.SHA512,
            _ => throw Check.Fail($"the kit cannot verify alg {alg} (it checks ES*, RS* and PS*)"),
        };
        switch (alg[..2], jwk.Str("kty"))
        {
            case ("ES", "EC"):
                using (var ec = ECDsa.Create(new ECParameters
                       {
                           Curve = jwk.Str("crv") switch
                           {
                               "P-256" => ECCurve.NamedCurves.nistP256,
                               "P-384" => ECCurve.NamedCurves.nistP384,
                               "P-521" => ECCurve.NamedCurves.nistP521,
                               var crv => throw Check.Fail($"the key's curve {crv} is not one JWS defines for ES algorithms"),
                           },
                           Q = new ECPoint { X = Decode(jwk.Str("x") ?? "", "the key's x"), Y = Decode(jwk.Str("y") ?? "", "the key's y") },
                       }))
                {
                    return ec.VerifyData(data, signature, hash);
                }
            case ("RS" or "PS", "RSA"):
                using (var rsa = RSA.Create(new RSAParameters
                       {
                           Modulus = Decode(jwk.Str("n") ?? "", "the key's n"), Exponent = Decode(jwk.Str("e") ?? "", "the key's e"),
                       }))
                {
                    return rsa.VerifyData(data, signature, hash, alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
                }
            default:
                throw Check.Fail($"alg {alg} does not fit the key type {jwk.Str("kty")}");
        }
    }
}
