using AgentIdP.Portal.Api;
using AgentIdP.Portal.Usage;

namespace AgentIdP.Portal;

public sealed partial class ApiClient
{
    public Task<ApiResult<BillingStatus>> GetBillingAsync(CancellationToken ct) =>
        SendAsync<BillingStatus>(HttpMethod.Get, ApiPaths.Billing, body: null, ct);

    public Task<ApiResult<UpgradeStarted>> StartUpgradeAsync(UpgradeRequest request, CancellationToken ct) =>
        SendAsync<UpgradeStarted>(HttpMethod.Post, ApiPaths.Upgrade, request, ct);
}
