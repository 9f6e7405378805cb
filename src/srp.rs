//! Cognito's SRP-6a client maths, pure: the random `a` and the timestamp are inputs. Built by
//! issue #3.
