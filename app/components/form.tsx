import { useNavigation } from "@remix-run/react";
import { useId, type InputHTMLAttributes } from "react";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string;
  hint?: string;
}

/** A labelled input whose error is announced and tied to it (aria-describedby). */
export function Field({ label, name, error, hint, ...input }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        {...input}
      />
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/** A field's message under it, announced when it appears; `id` is what the field's aria-describedby names. */
export function FieldError({ id, message }: { id: string | undefined; message?: string }) {
  return message ? (
    <p className="error" id={id} role="alert">
      {message}
    </p>
  ) : null;
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** A submit button that says what it is doing while the form is in flight. */
export function SubmitButton({ children, busyLabel, intent }: { children: React.ReactNode; busyLabel: string; intent?: string }) {
  const navigation = useNavigation();
  const busy =
    navigation.state === "submitting" && (intent === undefined || navigation.formData?.get("intent") === intent);
  return (
    <button type="submit" name={intent ? "intent" : undefined} value={intent} disabled={busy} aria-disabled={busy}>
      {busy ? busyLabel : children}
    </button>
  );
}
