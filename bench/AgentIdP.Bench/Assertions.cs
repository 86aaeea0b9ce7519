using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.Api.Keys;
using AgentIdP.Api.OAuth;

namespace AgentIdP.Bench;

/// <summary>
/// Pre-signs private_key_jwt token requests (each assertion has its own jti, as replays are refused), one form body
/// per line in <c>assertions.txt</c>, so wrk measures the server and not the signing of assertions.
/// </summary>
public static class Assertions
{
    public static int Write(Uri issuer, string outDir, int count)
    {
        var agents = File.ReadAllLines(Path.Combine(outDir, "keys.txt")).Select(line =>
        {
            var parts = line.Split(' ');
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(parts[1]), out _);
            return (ClientId: parts[0], Key: new SigningKey("bench", key, null, null));
        }).ToArray();
        var audience = issuer.ToString().TrimEnd('/') + OAuthEndpoints.TokenPath;
        var exp = DateTimeOffset.UtcNow.AddMinutes(9).ToUnixTimeSeconds();
        using var output = new StreamWriter(Path.Combine(outDir, "assertions.txt"));
        for (var i = 0; i < count; i++)
        {
            var (clientId, key) = agents[i % agents.Length];
            var claims = new JsonObject { ["iss"] = clientId, ["sub"] = clientId, ["aud"] = audience, ["exp"] = exp, ["jti"] = Guid.NewGuid().ToString("N") };
            var jwt = key.Sign(key.EncodedHeader("JWT"), Encoding.UTF8.GetBytes(claims.ToJsonString()));
            output.WriteLine($"grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={jwt}");
        }
        Console.WriteLine($"assertions: {count} written");
        return 0;
    }
}
