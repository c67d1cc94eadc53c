using RapidTriage.Gateway.Connections;

namespace RapidTriage.Gateway.Tests;

/// <summary>The connection queues' storage: first in, first out, whatever mix of enqueues and dequeues.</summary>
public sealed class SmallQueueTests
{
    [Fact]
    public void SmallQueue_InterleavedEnqueueAndDequeue_FirstInFirstOut()
    {
        var queue = new SmallQueue<int>();
        var expected = new Queue<int>();
        var random = new Random(7);
        var next = 0;
        for (var step = 0; step < 10_000; step++)
        {
            if (random.Next(3) > 0 || expected.Count == 0)
            {
                queue.Enqueue(next);
                expected.Enqueue(next++);
            }
            else
            {
                Assert.True(queue.TryDequeue(out var item));
                Assert.Equal(expected.Dequeue(), item);
            }

            Assert.Equal(expected.Count, queue.Count);
        }

        while (expected.Count > 0)
        {
            Assert.True(queue.TryDequeue(out var item));
            Assert.Equal(expected.Dequeue(), item);
        }

        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void SmallQueue_DrainedThenReused_StartsOverInOrder()
    {
        var queue = new SmallQueue<string>();
        queue.Enqueue("a");
        queue.Enqueue("b");
        Assert.True(queue.TryDequeue(out var a));
        Assert.True(queue.TryDequeue(out var b));
        Assert.False(queue.TryDequeue(out _));

        queue.Enqueue("c");
        Assert.True(queue.TryDequeue(out var c));
        Assert.Equal(["a", "b", "c"], [a, b, c]);
    }
}
