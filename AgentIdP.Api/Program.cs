using AgentIdP.Api.Data;
using AgentIdP.Api.Platform;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatform();
builder.AddData();

var app = builder.Build();

app.UsePlatform();
app.MapDefaultEndpoints();
app.MapApiReference();

app.Run();

/// <summary>Entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
