import Glibc

/// Process resource limits the server cares about.
public enum ResourceLimits {
    /// Raises the soft RLIMIT_NOFILE to the hard limit, so that thousands of connections fit.
    /// Returns the soft limit in force afterwards (unchanged if raising failed).
    @discardableResult
    public static func raiseOpenFileLimit() -> Int {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return -1 }
        // An "unlimited" hard limit is still capped by the kernel's nr_open (1M by default).
        let target = limit.rlim_max == rlim_t.max ? rlim_t(1 << 20) : limit.rlim_max
        if limit.rlim_cur < target {
            var raised = limit
            raised.rlim_cur = target
            if setrlimit(resource, &raised) == 0 {
                limit = raised
            }
        }
        return limit.rlim_cur == rlim_t.max ? Int.max : Int(clamping: limit.rlim_cur)
    }
}
