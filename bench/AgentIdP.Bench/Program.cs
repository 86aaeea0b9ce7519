using AgentIdP.Bench;

// bench/run drives this tool: it seeds a running API with tenants and agents, writes the credential files wrk's
// scripts read, pre-signs private_key_jwt assertions, and runs the BenchmarkDotNet micro benchmarks.
return args switch
{
    ["seed", var api, var platformSecret, var tenants, var agents, var outDir] =>
        await Seeder.RunAsync(new Uri(api), platformSecret, int.Parse(tenants), int.Parse(agents), outDir),
    ["assertions", var issuer, var outDir, var count] => Assertions.Write(new Uri(issuer), outDir, int.Parse(count)),
    ["micro", .. var rest] => Micro.Run(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: AgentIdP.Bench seed <api-url> <platform-admin-secret> <tenants> <agents-per-tenant> <out-dir>
               AgentIdP.Bench assertions <issuer> <out-dir> <count>
               AgentIdP.Bench micro [--smoke] [BenchmarkDotNet arguments]
        """);
    return 2;
}
