using AgentIdP.Portal;
using AgentIdP.Portal.SignIn;
using AgentIdP.Portal.Transport;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPortalTransport();
builder.AddPortalRedis();
builder.AddPortalKeyRing();
builder.AddPortalSignIn();
builder.AddApiClient();
builder.AddPortalPages();

var app = builder.Build();

app.UsePortalTransport();
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = PortalRoutes.Error, StatusCodeSelector = PortalRedis.StatusFor });
app.UseStatusCodePagesWithReExecute(PortalRoutes.Error, "?status={0}");
app.UsePortalSignIn();
app.MapStaticAssets();
app.MapRazorPages().WithStaticAssets();
app.MapDefaultEndpoints();

app.Run();
