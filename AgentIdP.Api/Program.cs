using AgentIdP.Api.Agents;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Audit;
using AgentIdP.Api.Auth;
using AgentIdP.Api.Billing;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.Compliance;
using AgentIdP.Api.Data;
using AgentIdP.Api.Demo;
using AgentIdP.Api.Dids;
using AgentIdP.Api.Keys;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tenants;
using AgentIdP.Api.Tiers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatform();
builder.AddData();
builder.AddCluster();
builder.AddKeys();
builder.AddOAuth();
builder.AddApiAuthentication();
builder.AddTierEnforcement();
builder.AddTenants();
builder.AddAgents();
builder.AddDids();
builder.AddBilling();
builder.AddAnalytics();
builder.AddCompliance();
builder.AddDemoSeed();

var app = builder.Build();

app.UsePlatform();
app.UseAuthentication();
app.UseAnalytics();
app.UseTierEnforcement();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapApiReference();
app.MapOAuth();
app.MapKeys();
app.MapTenants();
app.MapAgents();
app.MapDids();
app.MapAudit();
app.MapBilling();
app.MapAnalytics();
app.MapCompliance();

app.Run();
