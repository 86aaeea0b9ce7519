using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentIdP.Portal.Api;

/// <summary>How the API writes JSON: camelCase, nulls left out.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };
}
