"""Layer 3, a Plan or a comparison as documents: the Jinja2 context and rendering
(render, sections, services, names, filters, timeline), the CLI summary, charts, the catalog
listing, the what-if reports, and the shell commands of the runbook (shell/). The templates
are in templates/ at the repository root, shipped as planner.templates."""
