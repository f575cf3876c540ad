// Plausible values for generated events (a salon/clinic-style business, like the vendor's samples).
export const firstNames = ['John', 'Maria', 'Aisha', 'Wei', 'Carlos', 'Emma', 'Noah', 'Priya', 'Liam', 'Sofia', 'Kenji', 'Olivia', 'Mateo', 'Zara', 'Lucas', 'Chloé']
export const lastNames = ['Smith', 'García', 'Khan', 'Chen', 'Silva', 'Müller', 'Johnson', 'Patel', 'O\'Brien', 'Rossi', 'Tanaka', 'Nguyen', 'Kowalski', 'Dubois']
export const channels = ['sms', 'whatsapp', 'email'] as const
export const customerMessages = [
  'Hi, do you have any openings this week?',
  'Can I reschedule my appointment?',
  'How much is a haircut?',
  'Is parking available nearby?',
  'Thursday afternoon works for me 👍',
  'Great, thanks!',
  'Could you send me the address?',
  'Running 10 minutes late, sorry!'
]
export const claraMessages = [
  'Of course! We have 2pm or 4:30pm available. Which works best?',
  'Your appointment is confirmed. See you then!',
  'A standard haircut is $45.',
  'Yes, there is free parking behind the building.'
]
export const services = ['Haircut', 'Colour', 'Beard trim', 'Consultation', 'Massage (60 min)', 'Dental cleaning']
export const tagSets = [['new-customer'], ['pricing'], ['reschedule'], ['vip', 'returning'], ['resolved', 'satisfied']]
export const updateStatuses = ['open', 'pending', 'waiting_on_customer']
export const closeReasons = ['Resolved', 'Appointment booked', 'No response', 'Customer request']
