/// A dense `Float` tensor over one contiguous buffer it owns, in row-major order.
///
/// The network's activations are `[batch, nodes, features]` tensors; a feature transform views
/// them as a `[batch * nodes, features]` matrix (`rows` x `columns`). A tensor keeps its buffer
/// when it is resized to the same or a smaller element count, so a layer's workspace is allocated
/// once for the largest batch it meets and reused for every later batch.
public final class Tensor {
    /// The sizes of the dimensions, outermost first.
    public private(set) var shape: [Int]
    /// The number of elements the shape holds.
    public private(set) var count: Int
    /// The number of elements the buffer can hold without reallocating.
    public private(set) var capacity: Int
    /// The first element. Valid until the next `resize` that grows the buffer.
    public private(set) var pointer: UnsafeMutablePointer<Float>

    /// Creates a tensor of `shape` with every element `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: value, count: capacity)
    }

    /// Creates a tensor of `shape` holding `values` in row-major order.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            pointer.update(from: base, count: count)
        }
    }

    deinit {
        pointer.deallocate()
    }

    /// The size of the last dimension (1 for a scalar).
    public var columns: Int { shape.last ?? 1 }

    /// The product of every dimension but the last: the rows of the matrix view.
    public var rows: Int { columns == 0 ? 0 : count / columns }

    /// The elements as an array, in row-major order.
    public var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The elements as a buffer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// The element at flat index `index`.
    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    /// Gives the tensor `newShape`, keeping the buffer when it is large enough. The contents are
    /// unspecified afterwards when the buffer had to grow.
    public func resize(_ newShape: [Int]) {
        if newShape == shape { return }
        let newCount = newShape.reduce(1, *)
        if newCount > capacity {
            pointer.deallocate()
            capacity = newCount
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        shape = newShape
        count = newCount
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        pointer.update(repeating: value, count: count)
    }

    /// Takes the shape and elements of `other`.
    public func copy(from other: Tensor) {
        resize(other.shape)
        pointer.update(from: other.pointer, count: count)
    }

    /// A new tensor with the same shape and elements.
    public func copied() -> Tensor {
        let copy = Tensor(shape: shape)
        copy.pointer.update(from: pointer, count: count)
        return copy
    }
}
