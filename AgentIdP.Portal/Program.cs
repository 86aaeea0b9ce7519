using AgentIdP.Portal;
using AgentIdP.Portal.SignIn;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPortalKeyRing();
builder.AddPortalSignIn();
builder.AddApiClient();
builder.AddPortalPages();

var app = builder.Build();

app.UseExceptionHandler(PortalRoutes.Error);
app.UseStatusCodePagesWithReExecute(PortalRoutes.Error, "?status={0}");
app.UsePortalSignIn();
app.MapStaticAssets();
app.MapRazorPages().WithStaticAssets();
app.MapDefaultEndpoints();

app.Run();
