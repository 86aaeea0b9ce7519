using Microsoft.Extensions.Options;

namespace AgentIdP.Portal.SignIn;

/// <summary>How long a portal session lives (<c>Portal:Sessions:*</c>); both limits are enforced on the server.</summary>
public sealed class PortalSessionOptions
{
    public const string Section = "Portal:Sessions";

    /// <summary>A session unused for this long ends (<c>Portal:Sessions:IdleTimeout</c>, default 30 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, however busy (<c>Portal:Sessions:AbsoluteLifetime</c>, default 8 hours).</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(8);

    public sealed class Validator : IValidateOptions<PortalSessionOptions>
    {
        public ValidateOptionsResult Validate(string? name, PortalSessionOptions o)
        {
            List<string> failures = [];
            if (o.IdleTimeout < TimeSpan.FromMinutes(1))
                failures.Add($"{Section}:{nameof(IdleTimeout)}: must be at least 00:01:00 (got {o.IdleTimeout}).");
            if (o.AbsoluteLifetime < o.IdleTimeout || o.AbsoluteLifetime > TimeSpan.FromHours(24))
                failures.Add($"{Section}:{nameof(AbsoluteLifetime)}: must be at least the idle timeout and at most 24:00:00 (got {o.AbsoluteLifetime}).");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
