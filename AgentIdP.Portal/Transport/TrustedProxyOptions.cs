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
            var failures = o.KnownProxies.Select((p, i) => (p, i)).Where(x => !IPAddress.TryParse(x.p.Trim(), out _))
                .Select(x => $"{Section}:{nameof(KnownProxies)}:{x.i}: '{x.p}' is not an IP address.")
                .Concat(o.KnownNetworks.Select((n, i) => (n, i)).Where(x => !IPNetwork.TryParse(x.n.Trim(), out _))
                    .Select(x => $"{Section}:{nameof(KnownNetworks)}:{x.i}: '{x.n}' is not a CIDR range such as 10.0.0.0/8."))
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
