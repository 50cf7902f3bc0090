extension ErrorReply {
    /// The reply a refused or failed store call gets: the store's sentence under a matching code.
    public init(_ error: StoreError) {
        let code: ErrorCode
        switch error {
        case .notFound, .unknownDependency: code = .notFound
        case .queueLimitReached: code = .queueFull
        case .invalidState, .hasWaitingDependents, .notFinalState: code = .invalidState
        case .database(let failure) where failure.isBusy: code = .busy
        case .corruptDatabase, .cannotOpen, .newerSchema, .staleAttempt, .undecodableRow, .database: code = .internal
        }
        self.init(code: code, message: error.description)
    }
}
