using System.CommandLine;
using System.Net;
using System.Net.Sockets;

namespace RapidTriage.LoadGen.Commands;

/// <summary>Small helpers for the run script: free loopback ports, and waiting for servers to answer.</summary>
internal static class ToolCommands
{
    public static Command FreePorts()
    {
        var count = new Option<int>("--count") { Description = "How many ports.", DefaultValueFactory = _ => 1 };
        var command = new Command("free-ports", "Print free loopback TCP ports, space-separated.") { count };
        command.SetAction(parse =>
        {
            var listeners = Enumerable.Range(0, parse.GetValue(count)).Select(_ =>
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                return listener;
            }).ToList();
            Console.WriteLine(string.Join(' ', listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)));
            listeners.ForEach(l => l.Stop());
            return 0;
        });
        return command;
    }

    public static Command WaitReady()
    {
        var urls = new Option<string[]>("--url") { Description = "An HTTP URL that must answer 2xx; repeatable.", Required = true };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait in all.", DefaultValueFactory = _ => 60 };
        var command = new Command("wait-ready", "Wait until every URL answers 2xx (exit 1 on timeout).") { urls, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(parse.GetValue(timeout));
            foreach (var url in parse.GetValue(urls)!)
            {
                while (true)
                {
                    try
                    {
                        using var response = await http.GetAsync(new Uri(url), cancellationToken);
                        if (response.IsSuccessStatusCode)
                        {
                            break;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                    }

                    if (DateTime.UtcNow > deadline)
                    {
                        await Console.Error.WriteLineAsync($"{url} did not answer in time");
                        return 1;
                    }

                    await Task.Delay(250, cancellationToken);
                }
            }

            return 0;
        });
        return command;
    }
}
