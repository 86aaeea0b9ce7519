using System.Xml.Linq;
using AgentIdP.InteropKit.Reports;

namespace AgentIdP.InteropKit.Tests.NonConforming;

/// <summary>The kit pointed at a target that gets specific things wrong: it must name exactly those.</summary>
public sealed class NonConformingTargetTests
{
    [Fact]
    public async Task The_kit_fails_exactly_the_requirements_a_non_conforming_target_breaks_and_exits_non_zero()
    {
        await using var target = await NonConformingTarget.StartAsync();

        var run = await RunKitAsync(target);

        Assert.Equal(KitReport.ExitMustFailed, run.ExitCode);
        Assert.Equal(NonConformingTarget.Broken.Order(), run.FailedRequirements.Order());
        Assert.Equal(ResultLevel.NonCompliant.Name(), run.JsonReport["result"]!["level"]!.GetValue<string>());
        Assert.Contains($"Failed requirements: ", run.Output);
        Assert.Contains($"{ConsoleProgress.ResultPrefix}NON_COMPLIANT", run.Output);
        var (_, _, failed, _) = run.Summary();
        Assert.Equal(failed, (int)XDocument.Load(run.File(JUnitReport.FileName)).Root!.Attribute("failures")!);
        Directory.Delete(run.OutDir, recursive: true);
    }

    [Fact]
    public async Task Failure_messages_say_what_is_wrong()
    {
        await using var target = await NonConformingTarget.StartAsync();

        var run = await RunKitAsync(target, "--tags", "@req:AGT-KEY-001 or @req:AGT-CARD-001 or @req:PLT-ERR-001");

        Assert.Contains("signed with kid \"signing-key\", which the JWKS does not publish (published kids: another-key)", run.Output);
        Assert.Contains("description", run.Output);
        Assert.Contains("expected 401 invalid_client, but POST /oauth2/token answered 200", run.Output);
        Directory.Delete(run.OutDir, recursive: true);
    }

    private static Task<KitRun> RunKitAsync(NonConformingTarget target, params string[] options) =>
        KitRun.StartAsync(["--base-url", target.BaseUrl.AbsoluteUri, "--client-id", NonConformingTarget.ClientId,
            "--client-secret", NonConformingTarget.ClientSecret, .. options]);
}
