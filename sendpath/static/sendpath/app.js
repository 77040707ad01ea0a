// Starts GOV.UK Frontend's components (error summary focus, service navigation, etc.).
import { initAll } from "../vendor/govuk-frontend-6.6.0/govuk-frontend.min.js";

initAll();
