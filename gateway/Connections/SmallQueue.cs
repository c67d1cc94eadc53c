namespace RapidTriage.Gateway.Connections;

/// <summary>
/// A first-in first-out queue that holds one item inline and makes a <see cref="Queue{T}"/> only while two or
/// more wait, dropping it once drained: an idle connection's queues hold no array, and one frame at a time (the
/// usual case) allocates nothing. Not thread-safe; a mutable struct, so keep it in a field and never copy it.
/// </summary>
internal struct SmallQueue<T>
{
    private T _head;
    private Queue<T>? _rest;

    public int Count { get; private set; }

    public void Enqueue(T item)
    {
        if (Count == 0)
        {
            _head = item;
        }
        else
        {
            (_rest ??= new Queue<T>()).Enqueue(item);
        }

        Count++;
    }

    public bool TryDequeue(out T item)
    {
        if (Count == 0)
        {
            item = default!;
            return false;
        }

        item = _head;
        Count--;
        if (Count > 0)
        {
            _head = _rest!.Dequeue();
        }
        else
        {
            _head = default!;
            _rest = null;
        }

        return true;
    }
}
