/** The switchyard mark: two tracks, one switching from green (old) to blue (new). */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="6" fill="#1677ff" />
      <path d="M7 22h6l6-12h6" stroke="#fff" strokeWidth="3" fill="none" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M7 10h6l2 4" stroke="#73d13d" strokeWidth="3" fill="none" strokeLinecap="round" />
      <path d="M19 22h6" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}
