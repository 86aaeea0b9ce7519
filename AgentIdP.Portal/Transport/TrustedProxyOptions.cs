using System.Net;
using Microsoft.Extensions.Options;

namespace AgentIdP.Portal.Transport;

/// <summary>
/// The proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the portal believes
/// (<c>ForwardedHeaders:KnownProxies</c>: addresses, <c>ForwardedHeaders:KnownNetworks</c>: CIDR ranges). None by
/// default: a client cannot claim HTTPS or another address by sending the headers itself.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    public List<string> KnownProxies { get; set; } = [];

    public List<string> KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<IPAddress> Proxies => KnownProxies.Select(p => IPAddress.Parse(p.Trim()));

    public IEnumerable<IPNetwork> Networks => KnownNetworks.Select(n => IPNetwork.Parse(n.Trim()));

    public sealed class Validator : IValidateOptions<TrustedProxyOptions>
    {
        public ValidateOptionsResult Validate(string? name, TrustedProxyOptions o)
        {
            List<string> failures = [];
            for (var i = 0; i < o.KnownProxies.Count; i++)
            {
                if (!IPAddress.TryParse(o.KnownProxies[i].Trim(), out _))
                    failures.Add($"{Section}:{nameof(KnownProxies)}:{i}: '{o.KnownProxies[i]}' is not an IP address.");
            }
            for (var i = 0; i < o.KnownNetworks.Count; i++)
            {
                if (!IPNetwork.TryParse(o.KnownNetworks[i].Trim(), out _))
                    failures.Add($"{Section}:{nameof(KnownNetworks)}:{i}: '{o.KnownNetworks[i]}' is not a CIDR range such as 10.0.0.0/8.");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
