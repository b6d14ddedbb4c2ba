// Module \(m): coming.
