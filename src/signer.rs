//! SigV4 signing, the only importer of aws-sigv4: takes a plain request, credentials and the
//! (skew-corrected) time, returns the headers to apply. Built by issue #4.
