"""Layer 2, what the inputs mean, shared by the formulation and the verifier so that both
read a limit the same way: capacity curves over hours (curves), catalog facts and their age
(facts), the digest of the inputs (digest), who may be used at all (eligibility)."""
