using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Platform;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from a configuration section (or the root) and validates it when the
    /// host starts, so a misconfigured service refuses to start with a message naming the bad key.
    /// </summary>
    public static void AddValidatedOptions<TOptions, TValidator>(this WebApplicationBuilder builder, string? section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var options = builder.Services.AddOptions<TOptions>();
        if (section is null) options.Bind(builder.Configuration);
        else options.BindConfiguration(section);
        options.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }

    /// <summary>Collects failures as "Key: problem" lines.</summary>
    public sealed class Failures
    {
        private readonly List<string> _failures = [];

        public Failures Check(bool ok, string key, string problem)
        {
            if (!ok) _failures.Add($"{key}: {problem}");
            return this;
        }

        public ValidateOptionsResult Result() =>
            _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
    }
}
